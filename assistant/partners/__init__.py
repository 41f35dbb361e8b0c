"""Institution partners: the offers routed to each institution, what it did with them, and the outcomes a funder asks for."""
