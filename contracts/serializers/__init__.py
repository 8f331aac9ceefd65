"""Serializers of the contract API: contracts and their schedule (contracts.py), signatures,
the signed PDF and the verification (documents.py). Input serializers parse JSON types only
and hand the values to the services, which hold every rule and message. Money has one shape:
a decimal string in major units of the contract's currency; every date-time is in the
contract's municipality's local time with its offset."""
