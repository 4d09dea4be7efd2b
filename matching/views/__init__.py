"""HTML pages, one module per journey: directory, requests, mentorships, follow-up, coordinator."""
