"""Checks for notebook 17, medical imaging.

Oracles are independent of the learner's code: the IoU matrix from scikit-learn's confusion
matrix of the two label images, matches counted from that matrix, hand-worked cases for the
score, the Dice loss and the expected calibration error, a bin-by-bin loop for the calibration
error, a dense search with SciPy's ``logsumexp`` for the temperature, and closed-form parameter
counts plus a zeroed classifier for the residual model. When an answer is wrong, the checks
compare it with what known mistakes give (background counted as an object, a union without the
overlap taken off, IoU >= instead of >, Dice on logits, an unweighted calibration error, the
temperature multiplied in, an activation after the residual sum...) to name the likely cause.
"""

from __future__ import annotations

import numpy as np

from cnnkit.grading.assertions import as_array, as_number, call, call_with, describe, difference, fail, same_values
from cnnkit.grading.core import exercise
from cnnkit.grading.harnesses import gradient_of
from cnnkit.grading.references import unet_params

NOTEBOOK = "17_medical_imaging"


# --------------------------------------------------------------------------- label images for the matching
def _disc_labels():
    """Three hand-made nuclei and a prediction that finds two of them (one shifted) and adds a false one."""
    true = np.zeros((12, 12), np.int32)
    true[1:4, 1:4] = 3          # 9 pixels
    true[1:5, 7:11] = 7         # 16 pixels
    true[8:11, 2:6] = 5         # 12 pixels, missed
    pred = np.zeros((12, 12), np.int32)
    pred[1:4, 1:4] = 2          # the same 9 pixels: IoU 1
    pred[2:6, 7:11] = 4         # shifted one row: 12 shared, union 20, IoU 0.6
    pred[8:10, 8:11] = 9        # nothing there: a false positive
    return true, pred


def _half_overlap():
    """One true object of 8 pixels and a prediction of 4 of them: intersection 4, union 8, IoU exactly 0.5."""
    true = np.zeros((6, 6), np.int32)
    true[1:3, 1:5] = 1          # 8 pixels
    pred = np.zeros((6, 6), np.int32)
    pred[1:3, 1:3] = 1          # 4 pixels inside it: intersection 4, union 8
    return true, pred


def _random_labels(seed, shape=(24, 24)):
    rng = np.random.default_rng(seed)
    true = np.zeros(shape, np.int32)
    pred = np.zeros(shape, np.int32)
    for k, value in enumerate(rng.permutation(np.arange(1, 40))[:6]):
        row, col = divmod(k, 3)
        true[row * 12 + 1:row * 12 + 9, col * 8 + 1:col * 8 + 7] = value
    for k, value in enumerate(rng.permutation(np.arange(1, 40))[:6]):
        row, col = divmod(k, 3)
        top, left = row * 12 + 1 + rng.integers(-1, 3), col * 8 + 1 + rng.integers(-1, 2)
        pred[top:top + 7, left:left + rng.integers(4, 7)] = value
    return true, pred


def _reference_iou(true, pred):
    """The oracle: pixel counts of every (true label, predicted label) pair from scikit-learn's confusion matrix."""
    from sklearn.metrics import confusion_matrix

    values = np.union1d(np.unique(true), np.unique(pred))
    if not np.any(values):
        return np.zeros((0, 0))
    counts = confusion_matrix(true.ravel(), pred.ravel(), labels=values).astype(np.float64)
    rows = [i for i, v in enumerate(values) if v in set(np.unique(true)) and v != 0]
    cols = [j for j, v in enumerate(values) if v in set(np.unique(pred)) and v != 0]
    intersection = counts[np.ix_(rows, cols)]
    union = counts.sum(1)[rows][:, None] + counts.sum(0)[cols][None, :] - intersection
    return intersection / union


def _iou_hint(result, true, pred):
    n_true, n_pred = len(np.unique(true[true > 0])), len(np.unique(pred[pred > 0]))
    if result.shape == (n_true + 1, n_pred + 1):
        return "Label 0 is the background, not an object: leave it out of the rows and the columns."
    if result.shape == (n_pred, n_true) and n_true != n_pred:
        return "The result is transposed: row i is the i-th true object, column j the j-th predicted one."
    if result.shape != (n_true, n_pred):
        return ("One row per true object and one column per predicted object (label 0 excluded), "
                "in increasing order of their labels, even when the labels are not 1, 2, 3...")
    expected = _reference_iou(true, pred)
    intersection_over_sum = expected / (1 + expected)   # I / (A + B) = IoU / (1 + IoU)
    if same_values(result, intersection_over_sum, 1e-6):
        return "The union counts the overlap twice: union = |A| + |B| - |A and B|."
    if same_values(result, 2 * intersection_over_sum, 1e-6):
        return "That is the Dice coefficient 2|A and B| / (|A| + |B|), not the IoU |A and B| / |A or B|."
    if same_values(np.sort(result, axis=None), np.sort(expected, axis=None), 1e-6):
        return "Sort the rows and columns by label value (np.unique does), not by where the labels first appear."
    return "IoU[i, j] = |true == t_i and pred == p_j| / |true == t_i or pred == p_j|."


@exercise(NOTEBOOK, points=1)
def check_iou_matrix(iou_matrix):
    true, pred = _disc_labels()
    hand = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.6, 0.0]])   # rows labels 3, 5, 7; columns 2, 4, 9
    cases = [("three nuclei, labels 3, 5 and 7", true, pred, hand)]
    for seed in (1, 2):
        t, p = _random_labels(seed)
        cases.append((f"six random boxes (seed {seed})", t, p, _reference_iou(t, p)))
    cases.append(("a prediction with no object", true, np.zeros_like(true), np.zeros((3, 0))))
    for what, t, p, expected in cases:
        text = f"iou_matrix({what}: true_labels {describe(t)}, pred_labels {describe(p)})"
        result = as_array(call(iou_matrix, t, p), text)
        if not same_values(result, expected, 1e-6):
            problem = (f"returned shape {result.shape}, expected {expected.shape}." if result.shape != expected.shape
                       else f"returned wrong values: {difference(result, expected)}.")
            fail(text, problem, _iou_hint(result, t, p))


# --------------------------------------------------------------------------- matching and score
def _reference_match(true, pred, threshold):
    iou = _reference_iou(true, pred)
    tp = int(np.sum(iou > threshold))
    return tp, iou.shape[1] - tp, iou.shape[0] - tp


def _match_hint(result, true, pred, threshold):
    tp, fp, fn = _reference_match(true, pred, threshold)
    iou = _reference_iou(true, pred)
    if result["tp"] == int(np.sum(iou >= threshold)) != tp:
        return ("A pair matches when its IoU is strictly greater than the threshold (the Data Science Bowl's rule); "
                "use iou > threshold.")
    if result["tp"] == tp and np.isclose(result["accuracy"], tp / max(tp + fp, 1)):
        return "That is the precision TP / (TP + FP): the score also counts the missed nuclei, TP / (TP + FP + FN)."
    if result["tp"] == tp and np.isclose(result["accuracy"], tp / max(tp + fn, 1)):
        return "That is the recall TP / (TP + FN): the score also counts the false detections, TP / (TP + FP + FN)."
    if result["tp"] == tp and (result["fp"] != fp or result["fn"] != fn):
        return ("FP are the predicted objects left without a match (number predicted - TP) and FN the true objects "
                "left without one (number true - TP).")
    return "Count TP as the pairs with IoU > threshold, then FP = predicted - TP, FN = true - TP, score TP / (TP + FP + FN)."


@exercise(NOTEBOOK, points=1, uses=("iou_matrix",))
def check_match_score(match_score):
    true, pred = _disc_labels()
    half_true, half_pred = _half_overlap()
    cases = [("three nuclei, one found exactly, one shifted, one false detection", true, pred, 0.5),
             ("the same at threshold 0.7", true, pred, 0.7),
             ("IoU exactly 0.5", half_true, half_pred, 0.5)]
    for seed in (1, 2):
        t, p = _random_labels(seed)
        cases += [(f"six random boxes (seed {seed})", t, p, threshold) for threshold in (0.5, 0.75)]
    cases.append(("no object in either image", np.zeros((5, 5), int), np.zeros((5, 5), int), 0.5))
    for what, t, p, threshold in cases:
        text = f"match_score({what}: true_labels {describe(t)}, pred_labels {describe(p)}, threshold={threshold})"
        result = call(match_score, t, p, threshold)
        if not isinstance(result, dict) or set(result) != {"tp", "fp", "fn", "accuracy"}:
            fail(text, f"returned {describe(result)}.", 'Return a dict with the keys "tp", "fp", "fn" and "accuracy".')
        tp, fp, fn = _reference_match(t, p, threshold)
        accuracy = tp / (tp + fp + fn) if tp + fp + fn else 1.0
        got = {key: as_number(result[key], f"{text}[{key!r}]", "A single number per key.") for key in result}
        if (got["tp"], got["fp"], got["fn"]) != (tp, fp, fn) or not np.isclose(got["accuracy"], accuracy, atol=1e-6):
            shown = ", ".join(f"{key} {got[key]:g}" for key in ("tp", "fp", "fn", "accuracy"))
            fail(text, f"returned {shown}; expected tp {tp}, fp {fp}, fn {fn}, accuracy {accuracy:.4g}.",
                 "With no object in either image there is nothing to miss: return accuracy 1.0."
                 if tp + fp + fn == 0 else _match_hint(got, t, p, threshold))


# --------------------------------------------------------------------------- Dice loss
def _softmax(logits):
    shifted = logits - logits.max(-1, keepdims=True)
    return np.exp(shifted) / np.exp(shifted).sum(-1, keepdims=True)


def _dice_loss(labels, logits, smooth, per_image=False, probabilities=None):
    p = _softmax(logits) if probabilities is None else probabilities
    onehot = np.eye(logits.shape[-1])[labels]
    axes = tuple(range(1, labels.ndim)) if per_image else tuple(range(labels.ndim))
    dice = (2 * np.sum(onehot * p, axis=axes) + smooth) / (np.sum(onehot, axis=axes) + np.sum(p, axis=axes) + smooth)
    return float(1 - np.mean(dice))


def _dice_loss_hint(value, labels, logits, smooth):
    if np.isclose(value, 1 - _dice_loss(labels, logits, smooth), atol=1e-5):
        return "That is the Dice coefficient; the loss is 1 - Dice, so that a perfect overlap costs 0."
    if np.isclose(value, _dice_loss(labels, logits, smooth, per_image=True), atol=1e-5):
        return ("Dice is computed per image and averaged: sum each class over the whole batch (every axis but the "
                "last), so that an image where a class is absent does not score it 0 or 1 on its own.")
    with np.errstate(all="ignore"):
        if np.isclose(value, _dice_loss(labels, logits, smooth, probabilities=logits), atol=1e-5):
            return "y_pred holds logits: apply a softmax over the last axis before comparing with the one-hot labels."
    return "loss = 1 - mean_c (2 sum(onehot_c * p_c) + smooth) / (sum(onehot_c) + sum(p_c) + smooth), p = softmax(logits)."


@exercise(NOTEBOOK, points=1)
def check_dice_loss(dice_loss):
    rng = np.random.default_rng(7)
    labels = rng.choice(3, size=(2, 6, 6), p=[0.8, 0.15, 0.05])
    logits = rng.normal(size=(2, 6, 6, 3)).astype(np.float32) * 2
    perfect = (np.eye(3)[labels] * 40 - 20).astype(np.float32)
    text = "dice_loss(labels, logits) with logits that put probability ~1 on the true class"
    value = as_number(call(dice_loss, labels, perfect, 1.0), text, "Average the per-class Dice into one number.")
    if not np.isclose(value, 0.0, atol=1e-4):
        fail(text, f"returned {value:.6g}, expected 0.", _dice_loss_hint(value, labels, perfect, 1.0))
    found = call_with(gradient_of, dice_loss, 1, labels, logits, 1.0,
                      _shown="dice_loss(labels, logits as a tensor)")
    if found["value"] is None:
        fail("dice_loss(labels, logits)", "returned None.", "Did you forget the `return` statement?")
    if found["gradient"] is None or not np.any(np.asarray(found["gradient"])):
        fail("dice_loss(labels, logits as a tensor)", "has no gradient.",
             "Use the softmax probabilities with keras.ops: no argmax, rounding or NumPy conversion.")
    cases = [("random logits, rare class 2", labels, logits, 1.0), ("the same without smoothing", labels, logits, 0.0),
             ("a class absent from one image", np.where(np.arange(2)[:, None, None] == 0, np.minimum(labels, 1), labels),
              logits, 1.0)]
    for what, y, z, smooth in cases:
        text = f"dice_loss({what}: labels {describe(y)}, logits {describe(z)}, smooth={smooth})"
        value = as_number(call(dice_loss, y, z, smooth), text, "Average the per-class Dice into one number.")
        expected = _dice_loss(y, z, smooth)
        if not np.isclose(value, expected, atol=1e-5):
            fail(text, f"returned {value:.6g}, expected {expected:.6g}.", _dice_loss_hint(value, y, z, smooth))


# --------------------------------------------------------------------------- expected calibration error
def _reference_ece(probabilities, labels, num_bins):
    """The oracle: one bin at a time, bin k holding the confidences in (k / B, (k + 1) / B]."""
    confidence = probabilities.max(1)
    correct = probabilities.argmax(1) == labels
    total = 0.0
    for k in range(num_bins):
        low, high = k / num_bins, (k + 1) / num_bins
        inside = (confidence > low) & (confidence <= high) if k else (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return total


def _ece_variant(probabilities, labels, num_bins, weighted=True, true_class=False, signed=False, drop_top=False):
    confidence = probabilities[np.arange(len(labels)), labels] if true_class else probabilities.max(1)
    correct = probabilities.argmax(1) == labels
    index = np.floor(confidence * num_bins).astype(int)
    if not drop_top:
        index = np.clip(np.ceil(confidence * num_bins).astype(int) - 1, 0, num_bins - 1)
    gaps, weights = [], []
    for k in range(num_bins):
        inside = index == k
        if inside.any():
            gap = correct[inside].mean() - confidence[inside].mean()
            gaps.append(gap if signed else abs(gap))
            weights.append(inside.mean())
    if not gaps:
        return 0.0
    return float(np.dot(weights, gaps) if weighted else np.mean(gaps))


def _ece_hint(value, probabilities, labels, num_bins):
    def near(**mistake):
        return np.isclose(value, _ece_variant(probabilities, labels, num_bins, **mistake), atol=1e-6)

    if near(weighted=False):
        return ("Each bin's gap is weighted by the share of the samples in it (n_k / n); a plain mean over the bins "
                "lets a bin of one sample count as much as a bin of thousands.")
    if near(true_class=True):
        return ("The confidence is the probability of the *predicted* class (the largest), not of the true class, "
                "which a deployed model does not know.")
    if near(signed=True):
        return "Take the absolute gap |accuracy - confidence| in each bin, so that over- and under-confidence do not cancel."
    if near(drop_top=True):
        return ("A confidence of exactly 1.0 belongs to the last bin, (1 - 1/B, 1]: np.floor(confidence * B) puts it "
                "in a bin B that does not exist.")
    return "ECE = sum_k (n_k / n) |accuracy_k - confidence_k| over equal-width bins (k/B, (k+1)/B] of the confidence."


@exercise(NOTEBOOK, points=1)
def check_expected_calibration_error(expected_calibration_error):
    # Four samples by hand: confidences 0.9, 0.9, 0.6, 1.0 with 2 bins; the first bin (0, 0.5] is empty.
    hand = np.array([[0.9, 0.1], [0.1, 0.9], [0.6, 0.4], [0.0, 1.0]])
    hand_labels = np.array([0, 0, 0, 0])
    # Bin (0.5, 1]: all four, two right (accuracy 0.5), mean confidence 0.85: ECE = |0.5 - 0.85| = 0.35.
    rng = np.random.default_rng(11)
    logits = rng.normal(size=(400, 4)) * 3
    probabilities = _softmax(logits)
    labels = np.where(rng.random(400) < 0.6, probabilities.argmax(1), rng.integers(0, 4, 400))
    cases = [("4 samples by hand, 2 bins", hand, hand_labels, 2, 0.35),
             ("4 samples by hand, 10 bins", hand, hand_labels, 10, _reference_ece(hand, hand_labels, 10)),
             ("400 random samples of 4 classes, 10 bins", probabilities, labels, 10,
              _reference_ece(probabilities, labels, 10)),
             ("the same, 15 bins", probabilities, labels, 15, _reference_ece(probabilities, labels, 15))]
    for what, p, y, bins, expected in cases:
        text = f"expected_calibration_error({what}: probabilities {describe(p)}, labels {describe(y)}, num_bins={bins})"
        value = as_number(call(expected_calibration_error, p, y, bins), text, "Return one number, the weighted sum.")
        if not np.isclose(value, expected, atol=1e-6):
            fail(text, f"returned {value:.6g}, expected {expected:.6g}.", _ece_hint(value, p, y, bins))


# --------------------------------------------------------------------------- temperature scaling
def _nll(logits, labels, temperature):
    from scipy.special import logsumexp

    scaled = logits / temperature
    return float(np.mean(logsumexp(scaled, axis=1) - scaled[np.arange(len(labels)), labels]))


def _best_temperature(logits, labels):
    """The oracle: a dense search over log T, refined around the best point."""
    grid = np.exp(np.linspace(np.log(0.02), np.log(50), 801))
    best = grid[np.argmin([_nll(logits, labels, t) for t in grid])]
    fine = best * np.exp(np.linspace(-0.02, 0.02, 401))
    return float(fine[np.argmin([_nll(logits, labels, t) for t in fine])])


def _calibration_case(seed, scale, count=300, classes=3):
    """Logits of a model whose confidence is off by ``scale`` (> 1 overconfident, < 1 underconfident)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, count)
    clean = rng.normal(size=(count, classes)) + 1.5 * np.eye(classes)[labels]
    return (clean * scale).astype(np.float64), labels


@exercise(NOTEBOOK, points=1)
def check_fit_temperature(fit_temperature):
    cases = [("overconfident logits (scaled up 3x)", *_calibration_case(1, 3.0)),
             ("underconfident logits (scaled down 4x)", *_calibration_case(2, 0.25)),
             ("very large logits (scaled up 30x)", *_calibration_case(3, 30.0))]
    for what, logits, labels in cases:
        text = f"fit_temperature({what}: logits {describe(logits)}, labels {describe(labels)})"
        value = as_number(call(fit_temperature, logits, labels), text, "Return the temperature T, one positive number.")
        best = _best_temperature(logits, labels)
        if np.isfinite(value) and abs(value - np.log(best)) < 0.02:
            fail(text, f"returned {value:.4g}, which is log T: expected T = {best:.4g}.",
                 "If you optimise over log T (which keeps T positive), return its exponential.")
        if not np.isfinite(value) or value <= 0:
            fail(text, f"returned {value!r}, expected a positive temperature near {best:.4g}.",
                 "Compute the loss with a stable log-softmax (subtract the largest logit, or use logsumexp): "
                 "exp of large logits overflows.")
        if abs(np.log(value / best)) > 0.02 and _nll(logits, labels, value) > _nll(logits, labels, best) + 1e-4:
            if abs(np.log(value * best)) < 0.05:
                hint = "Divide the logits by T (softmax(logits / T)); multiplying them by T gives 1 / T."
            elif value >= 0.99 and best < 1:
                hint = ("T can be below 1: an underconfident model needs its logits sharpened. Search T over a range "
                        "that includes values below 1 (e.g. 0.05 to 20), or optimise log T.")
            elif not np.isfinite(_nll(logits, labels, value)):
                hint = "The negative log-likelihood overflows: use a stable log-softmax (logsumexp)."
            else:
                hint = ("T minimises the mean negative log-likelihood -log softmax(logits / T)[label] on the given "
                        "samples; search it finely (a continuous optimiser or a fine grid over log T).")
            fail(text, f"returned {value:.4g}, expected {best:.4g} (mean NLL {_nll(logits, labels, value):.4g} "
                       f"instead of {_nll(logits, labels, best):.4g}).", hint)


# --------------------------------------------------------------------------- the FBP-residual model
def _classifiers(model):
    """Every layer called "predictions" (the U-Net's 1x1 classifier), inside nested models too."""
    found = []
    for layer in model.layers:
        if layer.name == "predictions":
            found.append(layer)
        if hasattr(layer, "layers"):
            found.extend(_classifiers(layer))
    return found


@exercise(NOTEBOOK, points=1)
def check_build_fbp_residual(build_fbp_residual):
    import keras

    rng = np.random.default_rng(3)
    for input_shape, depth, base in (((16, 16, 1), 2, 4), ((24, 16, 1), 3, 2)):
        text = f"build_fbp_residual({input_shape}, depth={depth}, base_filters={base})"
        model = call(build_fbp_residual, input_shape, depth=depth, base_filters=base)
        if not isinstance(model, keras.Model):
            fail(text, f"returned {describe(model)}, expected a keras.Model.", "Return keras.Model(inputs, outputs).")
        shape = tuple(model.output.shape) if hasattr(model.output, "shape") else None
        if shape != (None, *input_shape):
            fail(text, f"output has shape {shape}, expected {(None, *input_shape)}.",
                 "The U-Net predicts one channel (num_classes=1) and the output is the input plus that correction.")
        expected = unet_params(input_shape[2], 1, depth, base)
        if model.count_params() != expected:
            fail(text, f"the model has {model.count_params()} parameters, expected {expected}.",
                 "Use build_unet(input_shape, 1, depth=depth, base_filters=base_filters) once, and nothing with "
                 "weights besides it: the addition has none.")
        classifiers = _classifiers(model)
        if len(classifiers) != 1:
            fail(text, f"has {len(classifiers)} layers named 'classifier', expected the U-Net's one.",
                 "Build the correction with the course's build_unet.")
        x = rng.uniform(-0.5, 1, size=(2, *input_shape)).astype(np.float32)  # FBP images go below 0
        # With the U-Net's last convolution zeroed its correction is 0: a residual model returns its input.
        classifiers[0].set_weights([np.zeros_like(w) for w in classifiers[0].get_weights()])
        out = np.asarray(model(x))
        if not same_values(out, x, 1e-5):
            if same_values(out, np.zeros_like(x), 1e-6):
                hint = ("The output is the U-Net's alone: add the input back (keras.layers.Add()([inputs, correction])), "
                        "so that the network learns only the correction to the FBP image.")
            elif same_values(out, x + 0.5, 1e-5):
                hint = ("The correction has a sigmoid: it must be free to take any sign and size, so keep the U-Net's "
                        "linear output (classifier_activation=None).")
            elif same_values(out, np.maximum(x, 0), 1e-6) or same_values(out, -x, 1e-6):
                hint = "Add the input and the correction, with nothing after the sum."
            else:
                hint = "The output is inputs + build_unet(...)(inputs), with no activation after the sum."
            fail(text, f"with the U-Net's classifier zeroed, the output differs from the input: "
                       f"{difference(out, x)}.", hint)
