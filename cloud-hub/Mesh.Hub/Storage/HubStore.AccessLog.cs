namespace Mesh.Hub.Storage;

public sealed partial class HubStore
{
    /// <summary>Logs an action that changes nothing else in the store (a login, a logout) in its own transaction,
    /// through the same insert as the actions logged with their change.</summary>
    public void AppendHubAction(HubActionDraft action, long atMs)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Run($"log hub action {action.Action}", () =>
            {
                using var tx = Writer.BeginTransaction();
                InsertHubAction(action, atMs, tx);
                tx.Commit();
            });
        }
    }
}
