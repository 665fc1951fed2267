"""tinytorch.viz.graph draws the autograd graph as SVG: a box per node and leaf, arrows between."""

import re
import xml.etree.ElementTree as ET

import pytest

import tinytorch as tt
from tinytorch.viz import SVG, graph

NS = "{http://www.w3.org/2000/svg}"


def _labels(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{NS}text")]


def test_graph_of_a_small_expression_has_every_node_and_edge():
    x = tt.tensor([1., 2.], requires_grad=True)
    w = tt.tensor([3., 4.], requires_grad=True)
    loss = (x * w).exp().sum()
    svg = graph(loss, params={"x": x, "w": w})
    assert isinstance(svg, SVG) and svg._repr_svg_() == svg
    labels = _labels(svg)
    assert sorted(labels) == sorted(["x: 2 float32", "w: 2 float32", "MulBackward", "ExpBackward",
                                     "SumBackward", "output: scalar float32"])
    # x->Mul, w->Mul, Mul->Exp, Exp->Sum, Sum->output
    assert len(ET.fromstring(svg).findall(f"{NS}line")) == 5


def test_leaves_sit_above_the_nodes_that_use_them():
    x = tt.tensor([1., 2.], requires_grad=True)
    y = x * 2
    svg = graph(y + x, params={"x": x})   # x feeds both Mul and Add: Add's row is what counts
    root = ET.fromstring(svg)
    rows = {t.text: float(t.get("y")) for t in root.iter(f"{NS}text")}
    assert rows["x: 2 float32"] < rows["MulBackward"] < rows["AddBackward"] < rows[
        "output: 2 float32"]


def test_a_tensor_without_a_graph_is_one_box_and_labels_are_escaped():
    svg = graph(tt.zeros(2, 3), params={"<a&b>": tt.zeros(1)})
    assert _labels(svg) == ["output: 2x3 float32"]
    assert re.search(r"<svg[^>]*width=\"\d+\"", svg)
    with pytest.raises(TypeError, match="got list"):
        graph([1, 2])
