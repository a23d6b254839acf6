"""Models as data: parameters, scalings with N, and (for the cumulant engine) sites, H and jumps."""

__all__ = ["central_spin"]
