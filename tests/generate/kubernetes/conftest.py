"""Spec shapes rendered once per session, written to disk and built with ``kubectl kustomize``."""

from __future__ import annotations

import pytest
from k8s_support import ALL_SHAPE_IDS, ALL_SHAPES, Rendered, Shape, render_shape


@pytest.fixture(scope="session")
def rendered_shapes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    return {
        shape.name: render_shape(shape, tmp_path_factory.mktemp(shape.name)) for shape in ALL_SHAPES
    }


@pytest.fixture(params=ALL_SHAPES, ids=ALL_SHAPE_IDS)
def rendered(request: pytest.FixtureRequest, rendered_shapes: dict[str, Rendered]) -> Rendered:
    shape: Shape = request.param
    return rendered_shapes[shape.name]
