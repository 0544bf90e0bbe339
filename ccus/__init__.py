"""ccus: CO2 physics for capture, transport and storage chains.

Usable on its own: it imports numpy, scipy, xarray, CoolProp and fluids, never the
accounting packages. Modules: ``properties`` (CO2 and impure-CO2 properties on CoolProp,
with a fast tabulated path), ``metering``, ``compression``, ``pipeline``, ``shipping``,
``storage`` and ``chain``. Units are SI throughout.
"""
