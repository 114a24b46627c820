"""Model builders, one module per family (import from the module, e.g.
``from cnnkit.models.resnet import build_resnet``).

Builders share the signature style of ``keras.applications``: ``input_shape``,
``num_classes``, ``include_top``, and return a functional ``keras.Model`` with every layer named.
"""
