"""The categories of work a company registers for: a short fixed list, so officers and the
portal's search speak of the same thing (codes are stable; labels are what people read)."""

from django.db import models


class Category(models.TextChoices):
    CONSTRUCTION = "construction", "Construction and public works"
    ENGINEERING = "engineering", "Engineering and design"
    IT = "it", "Computers, software and IT services"
    TELECOM = "telecom", "Telecommunications and networks"
    SECURITY = "security", "Security and surveillance equipment"
    TRAFFIC = "traffic", "Traffic control and signals"
    VEHICLES = "vehicles", "Vehicles and fleet services"
    FACILITIES = "facilities", "Facilities maintenance and janitorial"
    UTILITIES = "utilities", "Water, energy and utilities"
    PROFESSIONAL = "professional", "Professional and consulting services"
    SUPPLIES = "supplies", "Office and operating supplies"
    HEALTH = "health", "Health, safety and medical supplies"
