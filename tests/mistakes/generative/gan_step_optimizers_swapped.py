"""Hands each model's gradients to the other model's optimiser."""
import tensorflow as tf

from cnnkit.topics.generative import discriminator_loss, generator_loss

EXERCISE = "gan_train_step"
EXPECTED_HINT = "Each model has its own optimiser"


def gan_train_step(generator, discriminator, generator_optimizer, discriminator_optimizer, real_images, labels,
                   noise):
    fake_images = generator([noise, labels], training=True)
    with tf.GradientTape() as tape:
        d_loss = discriminator_loss(discriminator([real_images, labels], training=True),
                                    discriminator([fake_images, labels], training=True))
    gradients = tape.gradient(d_loss, discriminator.trainable_variables)
    generator_optimizer.apply_gradients(zip(gradients, discriminator.trainable_variables))

    with tf.GradientTape() as tape:
        g_loss = generator_loss(discriminator([generator([noise, labels], training=True), labels], training=True))
    gradients = tape.gradient(g_loss, generator.trainable_variables)
    discriminator_optimizer.apply_gradients(zip(gradients, generator.trainable_variables))
    return {"discriminator_loss": d_loss, "generator_loss": g_loss}
