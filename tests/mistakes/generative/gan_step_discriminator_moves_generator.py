"""The discriminator's step also updates the generator, with the discriminator's loss: the
generator learns to make its fakes easier to spot."""
import tensorflow as tf

from cnnkit.topics.generative import discriminator_loss, generator_loss

EXERCISE = "gan_train_step"
EXPECTED_HINT = "generator's weights changed in the discriminator's step"


def gan_train_step(generator, discriminator, generator_optimizer, discriminator_optimizer, real_images, labels,
                   noise):
    variables = discriminator.trainable_variables + generator.trainable_variables
    with tf.GradientTape() as tape:
        fake_images = generator([noise, labels], training=True)
        d_loss = discriminator_loss(discriminator([real_images, labels], training=True),
                                    discriminator([fake_images, labels], training=True))
    gradients = tape.gradient(d_loss, variables)
    discriminator_optimizer.apply_gradients(zip(gradients, variables))

    with tf.GradientTape() as tape:
        g_loss = generator_loss(discriminator([generator([noise, labels], training=True), labels], training=True))
    gradients = tape.gradient(g_loss, generator.trainable_variables)
    generator_optimizer.apply_gradients(zip(gradients, generator.trainable_variables))
    return {"discriminator_loss": d_loss, "generator_loss": g_loss}
