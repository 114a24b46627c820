"""Turns the discriminator's logits into probabilities (tf.sigmoid) before the from-logits losses."""
import tensorflow as tf

from cnnkit.topics.generative import discriminator_loss, generator_loss

EXERCISE = "gan_train_step"
EXPECTED_HINT = "probabilities fed to a from-logits loss"


def gan_train_step(generator, discriminator, generator_optimizer, discriminator_optimizer, real_images, labels,
                   noise):
    fake_images = generator([noise, labels], training=True)
    with tf.GradientTape() as tape:
        real_scores = tf.sigmoid(discriminator([real_images, labels], training=True))
        fake_scores = tf.sigmoid(discriminator([fake_images, labels], training=True))
        d_loss = discriminator_loss(real_scores, fake_scores)
    gradients = tape.gradient(d_loss, discriminator.trainable_variables)
    discriminator_optimizer.apply_gradients(zip(gradients, discriminator.trainable_variables))

    with tf.GradientTape() as tape:
        fake_scores = tf.sigmoid(discriminator([generator([noise, labels], training=True), labels], training=True))
        g_loss = generator_loss(fake_scores)
    gradients = tape.gradient(g_loss, generator.trainable_variables)
    generator_optimizer.apply_gradients(zip(gradients, generator.trainable_variables))
    return {"discriminator_loss": d_loss, "generator_loss": g_loss}
