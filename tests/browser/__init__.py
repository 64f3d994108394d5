"""Tests that drive the built site in Debian's Chromium with Playwright."""
