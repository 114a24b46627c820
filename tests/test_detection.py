"""Library code of notebook 13: box formats, target encoding, matching, mAP, the grid detector."""

import numpy as np
import pytest

from cnnkit.topics.detection import (
    average_precision,
    box_iou,
    centers_to_corners,
    corners_to_centers,
    decode_boxes,
    encode_targets,
    match_detections,
    mean_average_precision,
)

ANCHORS = np.array([[1.5, 1.5], [3.0, 2.0]])


def test_box_formats_convert_both_ways():
    corners = np.array([[2.0, 4.0, 10.0, 8.0]])
    np.testing.assert_allclose(corners_to_centers(corners), [[6.0, 6.0, 8.0, 4.0]])
    np.testing.assert_allclose(centers_to_corners(corners_to_centers(corners)), corners)


def test_decoding_the_encoded_targets_gives_the_boxes_back():
    boxes = np.array([[[10.0, 12.0, 30.0, 40.0], [40.0, 5.0, 60.0, 20.0], [0, 0, 0, 0]]])
    classes = np.array([[0, 2, -1]])
    targets = encode_targets(boxes, classes, ANCHORS, grid_size=8, image_size=64)
    assert targets.shape == (1, 8, 8, 2, 6) and targets[..., 4].sum() == 2
    responsible = targets[0, ..., 4] == 1
    offsets = np.clip(targets[0, ..., :2], 1e-12, 1 - 1e-12)
    raw = np.concatenate([np.log(offsets / (1 - offsets)), targets[0, ..., 2:4]], axis=-1)
    decoded = decode_boxes(raw, ANCHORS, 8)[responsible] * 64
    order = np.argsort(decoded[:, 0])
    np.testing.assert_allclose(decoded[order], boxes[0, :2], atol=1e-6)
    np.testing.assert_array_equal(targets[0, ..., 5][responsible][order], [0, 2])


def test_each_box_goes_to_the_anchor_of_its_shape():
    wide = np.array([[[0.0, 0.0, 24.0, 16.0]]])  # 3 x 2 cells: the second anchor
    targets = encode_targets(wide, np.array([[1]]), ANCHORS, grid_size=8, image_size=64)
    assert targets[0, 1, 1, 1, 4] == 1 and targets[0, ..., 0, 4].sum() == 0


def test_a_second_detection_of_a_found_object_is_a_false_positive():
    truth = [np.array([[0.0, 0.0, 10.0, 10.0]])]
    scores, hits, num_truth = match_detections([np.array([[0, 0, 10, 10], [0, 0, 10, 9]])], [np.array([0.5, 0.9])],
                                               truth)
    assert scores.tolist() == [0.9, 0.5] and hits.tolist() == [True, False] and num_truth == 1


def test_a_detection_below_the_iou_threshold_misses():
    truth = [np.array([[0.0, 0.0, 10.0, 10.0]])]
    shifted = [np.array([[4.0, 0.0, 14.0, 10.0]])]  # IoU 0.43
    assert average_precision(shifted, [np.array([0.9])], truth, iou_threshold=0.5) == 0.0
    assert average_precision(shifted, [np.array([0.9])], truth, iou_threshold=0.4) == 1.0


def test_ap_refuses_a_class_without_ground_truth():
    with pytest.raises(ValueError, match="ground-truth"):
        average_precision([np.zeros((1, 4))], [np.ones(1)], [np.zeros((0, 4))])


def test_match_detections_refuses_lists_of_different_lengths():
    with pytest.raises(ValueError, match="same images"):
        match_detections([np.zeros((0, 4))], [], [np.zeros((0, 4))])


def test_map_averages_the_classes():
    truths = [(np.array([[0, 0, 10, 10], [20, 20, 30, 30]]), np.array([0, 1]))]
    perfect = [(np.array([[0, 0, 10, 10], [20, 20, 30, 30]]), np.array([0.9, 0.8]), np.array([0, 1]))]
    half = [(np.array([[0, 0, 10, 10], [20, 20, 30, 30]]), np.array([0.9, 0.8]), np.array([0, 0]))]
    assert mean_average_precision(perfect, truths, 2)[0] == 1.0
    value, per_class = mean_average_precision(half, truths, 2)
    assert value == pytest.approx(0.5) and per_class.tolist() == [1.0, 0.0]


def test_iou_of_empty_sets_has_the_right_shape():
    assert box_iou(np.zeros((0, 4)), np.zeros((3, 4))).shape == (0, 3)


# --------------------------------------------------------------------------- the grid detector
def test_detector_output_shape_and_input_checks():
    from cnnkit.models.detector import build_detector

    model = build_detector((32, 48, 3), num_classes=3, num_anchors=2, base_filters=4)
    assert model.output.shape == (None, 4, 6, 2, 8)
    with pytest.raises(ValueError, match="divisible by 8"):
        build_detector((30, 32, 3), 3, 2)


def _raw_for(boxes_by_cell, num_classes=2, grid_size=4, anchors=ANCHORS):
    """Raw outputs with confident predictions exactly at the given (row, col, anchor) -> (box offsets, class)."""
    raw = np.zeros((1, grid_size, grid_size, len(anchors), 5 + num_classes))
    raw[..., 4] = -10.0  # no object anywhere else
    for (row, col, anchor), (offsets, label) in boxes_by_cell.items():
        raw[0, row, col, anchor, :4] = offsets
        raw[0, row, col, anchor, 4] = 10.0
        raw[0, row, col, anchor, 5 + label] = 10.0
    return raw


def test_loss_is_small_for_right_predictions_and_large_for_wrong_ones():
    from cnnkit.models.detector import detection_loss

    boxes = np.array([[[4.0, 4.0, 16.0, 16.0]]])
    targets = encode_targets(boxes, np.array([[1]]), ANCHORS, grid_size=4, image_size=32)
    (row, col, anchor), = np.argwhere(targets[0, ..., 4] == 1)
    x, y, tw, th = targets[0, row, col, anchor, :4]
    right = _raw_for({(row, col, anchor): ((np.log(x / (1 - x)), np.log(y / (1 - y)), tw, th), 1)})
    wrong_class = _raw_for({(row, col, anchor): ((np.log(x / (1 - x)), np.log(y / (1 - y)), tw, th), 0)})
    assert float(detection_loss(targets, right.astype("float32"))) < 0.01
    assert float(detection_loss(targets, wrong_class.astype("float32"))) > 5


def test_detect_suppresses_duplicates_within_a_class_only():
    from cnnkit.models.detector import detect

    same_place = ((0.0, 0.0, 0.0, 0.0),)
    raw = _raw_for({(1, 1, 0): (same_place[0], 0), (1, 1, 1): (same_place[0], 0), (2, 2, 0): (same_place[0], 1),
                    (2, 2, 1): (same_place[0], 0)})
    raw[0, 1, 1, 1, 4] = 5.0  # a weaker duplicate of the first box, same class
    raw[0, 1, 1, 1, 2:4] = np.log(1.5 / ANCHORS[1])  # same shape as anchor 0: IoU 1
    (boxes, scores, classes), = detect(raw, ANCHORS, image_size=32, iou_threshold=0.5)
    assert len(boxes) == 3 and sorted(classes.tolist()) == [0, 0, 1]
    assert np.all(np.diff(scores) <= 0)


