"""ussd channel package."""
