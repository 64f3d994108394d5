"""The study format: vocabulary, parser, record schema and validation rules."""
