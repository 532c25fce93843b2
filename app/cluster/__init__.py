"""Scale-out: runs executed by Celery workers behind Redis; web processes relay their events to followers."""
