"""Personal-data detectors and small-count suppression (the stage is flows/stages/protect.py)."""
