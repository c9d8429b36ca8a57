"""Service stations: the agency's list loaded into `service_station` (issue 15, item 8), through the action the
test set-up also uses (`app.actions.stations.load_reference_stations`: only codes not there yet are added, so
running it again never overwrites a supervisor's change)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T20:02:17:000001"
VERSION = "1.38.0"
DESCRIPTION = "ServiceStation: the agency's stations from the reference data"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tables", description=DESCRIPTION)

    async def run():
        from app.actions.stations import load_reference_stations

        await load_reference_stations()

    async def run_backwards():
        from tables.tables import ServiceStation

        await ServiceStation.delete(force=True)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
