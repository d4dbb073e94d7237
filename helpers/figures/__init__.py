"""Figures layer: the theme and plotly config, the one grid-and-trace builder, deal and trade charts, maps."""
