"""satchel's code generator: spec/*.yaml -> generated/ (units, stubs, docs).

Layers, each importing only the ones before it: ``model`` (what the spec says,
validated), ``api`` (how each thing is spelled in C++ and in Python stubs),
``emit`` (which file gets which text) and ``__main__`` (the command line).
"""
