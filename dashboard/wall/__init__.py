"""The wall screen (/wall): layout, callbacks, reads, the map and charts."""
