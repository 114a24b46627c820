"""The figures of notebook 13: boxes, IoU, grids and anchors, NMS and precision-recall curves."""

import matplotlib.pyplot as plt
import numpy as np

ANCHORS = np.array([[1.5, 1.5], [3.0, 2.0]])


def test_figures_draw_without_error():
    from cnnkit.plot import detection

    image = np.zeros((32, 32, 3))
    boxes = np.array([[2.0, 2.0, 12.0, 12.0], [4.0, 4.0, 14.0, 14.0]])
    for figure in [
        detection.show_detections([image], truths=[(boxes, np.array([0, 1]))],
                                       detections=[(boxes, np.array([0.9, 0.4]), np.array([0, 1]))],
                                       class_names=["a", "b"]),
        detection.show_box_formats(image, boxes[0]),
        detection.show_iou_examples([(boxes[0], boxes[1])], [0.5]),
        detection.show_grid_and_anchors(image, 4, ANCHORS, boxes[0]),
        detection.show_nms(image, boxes, np.array([0.9, 0.4]), [0]),
        detection.plot_precision_recall({"a": (np.array([0.5, 1.0]), np.array([1.0, 0.5]),
                                                     np.array([1.0, 0.5]))}),
    ]:
        assert figure.axes
        plt.close(figure)
