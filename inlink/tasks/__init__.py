"""The tasks that join the job engine to the site and link engines: the only code that knows both sides."""
