"""Salesforce Commerce Cloud OCAPI Shop API 20.8: customers/auth and the session bridge."""
