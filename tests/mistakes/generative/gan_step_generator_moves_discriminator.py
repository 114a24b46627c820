"""The generator's step differentiates with respect to both models: it also changes the discriminator,
which can then be made worse on purpose to flatter the generator."""
import tensorflow as tf

from cnnkit.topics.generative import discriminator_loss, generator_loss

EXERCISE = "gan_train_step"
EXPECTED_HINT = "discriminator's weights changed in the generator's step"


def gan_train_step(generator, discriminator, generator_optimizer, discriminator_optimizer, real_images, labels,
                   noise):
    fake_images = generator([noise, labels], training=True)
    with tf.GradientTape() as tape:
        d_loss = discriminator_loss(discriminator([real_images, labels], training=True),
                                    discriminator([fake_images, labels], training=True))
    gradients = tape.gradient(d_loss, discriminator.trainable_variables)
    discriminator_optimizer.apply_gradients(zip(gradients, discriminator.trainable_variables))

    variables = generator.trainable_variables + discriminator.trainable_variables
    with tf.GradientTape() as tape:
        g_loss = generator_loss(discriminator([generator([noise, labels], training=True), labels], training=True))
    gradients = tape.gradient(g_loss, variables)
    generator_optimizer.apply_gradients(zip(gradients, variables))
    return {"discriminator_loss": d_loss, "generator_loss": g_loss}
