"""What each frame of an animation shows, as data: grids, windows, taps, values."""
