"""Open311 GeoReport v2 server at /open311/v2/ (docs/open311.md; specification by the Open311 community)."""
