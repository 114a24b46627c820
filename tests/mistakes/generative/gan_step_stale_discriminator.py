"""Computes both losses in one forward pass (two tapes at once): the generator is judged by the
discriminator as it was before its update, not as the notebook's step asks."""
import tensorflow as tf

from cnnkit.topics.generative import discriminator_loss, generator_loss

EXERCISE = "gan_train_step"
EXPECTED_HINT = "updated discriminator"


def gan_train_step(generator, discriminator, generator_optimizer, discriminator_optimizer, real_images, labels,
                   noise):
    with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
        fake_images = generator([noise, labels], training=True)
        real_logits = discriminator([real_images, labels], training=True)
        fake_logits = discriminator([fake_images, labels], training=True)
        d_loss = discriminator_loss(real_logits, fake_logits)
        g_loss = generator_loss(fake_logits)
    d_gradients = d_tape.gradient(d_loss, discriminator.trainable_variables)
    g_gradients = g_tape.gradient(g_loss, generator.trainable_variables)
    discriminator_optimizer.apply_gradients(zip(d_gradients, discriminator.trainable_variables))
    generator_optimizer.apply_gradients(zip(g_gradients, generator.trainable_variables))
    return {"discriminator_loss": d_loss, "generator_loss": g_loss}
