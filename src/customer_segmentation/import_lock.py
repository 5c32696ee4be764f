"""The lock under which each dbt Python model imports the package.

dbt runs int_segmentation_fit and int_clv_fit side by side, on two threads of one process
(`threads: 2`), and each is the first in that process to import scikit-learn and SciPy. Those
import their own sub-modules in cycles, and Python does not make a thread wait for a parent
package that another thread is still initialising: now and then one fit failed with
"cannot import name 'clone' from partially initialized module 'sklearn.base'". A Python model
imports what it needs inside `with IMPORT_LOCK:`, so one thread imports while the other waits;
the fits themselves still run side by side.
"""

from __future__ import annotations

import threading

IMPORT_LOCK = threading.Lock()
