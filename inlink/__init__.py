"""InLink Prospector: internal-link suggestions from a site, as durable background jobs."""
