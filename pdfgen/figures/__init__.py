"""Exercise figures drawn from pose data, and the method icons.

Pictures are computed, not stored, so they print crisp at any size, stay editable in YAML
and match each other in style. One module per job, each importing only what it needs:

- `pose`: what an `illustration:` says and its validation (no ReportLab; `model` imports only this)
- `skeleton`: joint angles to 3-D joint positions, resting on the floor (plain maths)
- `colours`: the body grey beside the accent, and greyscale lightness
- `marks`: the posed body through a camera, as a 2-D drawing list
- `draw`: marks to a ReportLab Drawing of a given box
- `icons`: the method icons
- `export`: one figure alone as a PDF or PNG (`kneecard figure`)

Import from the submodule; this package module stays empty so importing `pose` stays light.
"""
