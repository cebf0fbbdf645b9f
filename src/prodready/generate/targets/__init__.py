"""Built-in targets: one module per target, each exposing ``TARGET`` (see ``generate._model``)."""
