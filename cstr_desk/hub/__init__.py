"""The optional PostgreSQL site hub: schema and roles, one-way hand-over of final cases, fetch, site-wide monitoring."""
