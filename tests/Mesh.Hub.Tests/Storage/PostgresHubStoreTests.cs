namespace Mesh.Hub.Tests.Storage;

/// <summary>The store contract on PostgreSQL: one database for the class on the assembly's server.</summary>
public sealed class PostgresHubStoreTests(PostgresDatabase database) : HubStoreContract, IClassFixture<PostgresDatabase>
{
    protected override HubOptions Options => database.Options;
}
