"""Pure figure builders: data in, plotly go.Figure out; no database, no Dash callbacks."""
