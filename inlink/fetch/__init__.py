"""Reading a site over HTTP: a polite client (client), robots.txt (robots), URL sources (sitemap) and
full-page extraction (extract). Knows nothing of jobs or of the dashboard."""
