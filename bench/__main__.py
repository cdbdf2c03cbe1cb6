"""`make bench`: every benchmark in turn."""

import sys

from bench import cluster_speed

sys.exit(cluster_speed.main())
