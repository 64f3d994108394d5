"""Synthetic atlases and the benchmark that builds them three ways (see ``make bench``)."""
