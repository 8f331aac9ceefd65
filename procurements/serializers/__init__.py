"""Serializers of the procurement API, one module per resource. Input serializers parse JSON
types only and hand the values to the services, which hold every rule and message; output
serializers shape rows for the response. Money has one shape: a decimal string in major
units (p3hub.api.fields.AmountField); every date-time is local with its offset."""
