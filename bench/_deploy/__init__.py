"""The deploy bench's parts: a throwaway PostgreSQL cluster, the site's processes, the load."""
