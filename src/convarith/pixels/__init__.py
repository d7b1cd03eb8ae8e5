"""Pixel images shared by the raster backend and the encoders: the GIF palette."""
