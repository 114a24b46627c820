"""The library code of the later notebooks, one module per notebook topic.

Each module is named after its topic, the same name as the notebook's figure module in
:mod:`cnnkit.plot`, its checks module in :mod:`cnnkit.grading.checks`, its tests and its folder of
known mistakes (the course manifest records the name). It holds what the notebook's learner wrote,
so that later notebooks can use it, and the tools the notebook runs but does not teach.

- ``interpretability`` (09): feature maps, saliency, Grad-CAM, occlusion, randomised models,
  filters by gradient ascent;
- ``segmentation`` (10): Dice, mean IoU and the combined loss;
- ``style_transfer`` (11): Gram matrices, the style-transfer losses and loop;
- ``transfer_learning`` (12): transfer models and fine-tuning set-up;
- ``detection`` (13): box formats, IoU, non-max suppression, box decoding, average precision;
- ``faces`` (14): distances, triplet losses and mining, verification, identification, ROC;
- ``generative`` (16): VAE and GAN losses and training step, Fréchet distance, nearest neighbours.
"""
