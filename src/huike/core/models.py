from django.db import models, transaction


class Sequence(models.Model):
    """Named counters for human-readable codes (C000123). Values are never reused."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    @classmethod
    def take(cls, name: str, count: int = 1) -> int:
        """Reserve `count` numbers; returns the first. Must run inside a transaction."""
        assert transaction.get_connection().in_atomic_block
        seq, _ = cls.objects.select_for_update().get_or_create(name=name)
        first = seq.value + 1
        seq.value += count
        seq.save(update_fields=["value"])
        return first
