"""The published JSON Schema of questionnaire definitions (questionnaire.schema.json)."""
