using System.CommandLine;

namespace Mesh.Cli.Audit;

/// <summary><c>mesh audit</c>: work with audit trails. <c>mesh audit verify</c> checks hash chains.</summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var hub = new Option<string?>("--hub") { Description = "verify the chains a hub serves, e.g. http://127.0.0.1:5080" };
        var journal = new Option<FileInfo?>("--journal") { Description = "verify a node's journal file (its audit.db), opened read-only" };
        var node = new Option<string?>("--node") { Description = "the node whose chain to verify (default: every node the hub lists; for --journal: the journal's own node)" };
        var token = HubConnection.TokenOption();
        var key = new Option<FileInfo?>("--key") { Description = "the node's public key (PEM; its node.key works too): checkpoints must be signed by it (default: <data>/identity/node.key beside --journal, or the key the hub pinned)" };
        var fingerprint = new Option<string?>("--fingerprint") { Description = "the SHA-256 fingerprint (64 hex digits) of the node's key, instead of --key" };

        var verify = new Command("verify", "Verify audit hash chains record by record from genesis, and their signed checkpoints; exit 0 only if every chain verifies.")
        {
            hub, journal, node, token, key, fingerprint,
        };
        verify.Validators.Add(result =>
        {
            var hasHub = result.GetResult(hub) is not null;
            var hasJournal = result.GetResult(journal) is not null;
            if (hasHub == hasJournal)
                result.AddError("give either --hub <url> or --journal <path to audit.db> (exactly one)");
            if (result.GetResult(key) is not null && result.GetResult(fingerprint) is not null)
                result.AddError("give --key or --fingerprint, not both");
            if (result.GetValue(fingerprint) is { } fp && ExpectedKey.FromFingerprint(fp) is null)
                result.AddError($"--fingerprint '{fp}' must be 64 hex digits (the SHA-256 of the node's DER public key)");
            if (hasHub && result.GetResult(node) is null && (result.GetResult(key) is not null || result.GetResult(fingerprint) is not null))
                result.AddError("--key and --fingerprint name one node's key: with --hub, give --node too");
            if (result.GetValue(hub) is { } url && HubConnection.Address(url) is null)
                result.AddError($"--hub '{url}' must be an absolute http:// or https:// address, e.g. http://127.0.0.1:5080");
        });
        verify.SetAction((parse, ct) => AuditVerifyConsole.RunAsync(HubConnection.Address(parse.GetValue(hub)), parse.GetValue(token), parse.GetValue(journal), parse.GetValue(node),
            parse.GetValue(key), parse.GetValue(fingerprint), ct));

        return new Command("audit", "Work with audit trails.") { verify };
    }
}
