"""Vision API (seed 003): image analysis behind the generated nginx edge, PostgreSQL + Redis."""
