using System.CommandLine;
using Mesh.Node.Identity;

namespace Mesh.Cli.Enrollment;

/// <summary><c>mesh enroll</c>: a node's first contact with its hub. Makes (or reuses) the node's key in the data
/// directory, sends a CSR with a one-time token to the hub's TLS endpoint and writes the certificate and the hub's CA
/// beside the key.</summary>
public static class EnrollCommand
{
    public static Command Create()
    {
        var hub = new Option<string>("--hub") { Description = "the hub's TLS endpoint for nodes (Hub:Enrollment:Url), e.g. https://127.0.0.1:5443", Required = true };
        var token = new Option<string?>("--token") { Description = "the one-time token from 'mesh node token' (default: $MESH_ENROLL_TOKEN)" };
        var data = new Option<string>("--data") { Description = "the node's data directory (Node:DataDirectory)", Required = true };
        var command = new Command("enroll", "Enroll a node with its hub: get a certificate for the node's key against a one-time token.") { hub, token, data };
        command.SetAction(async (parse, ct) =>
        {
            var text = parse.GetValue(token) ?? Environment.GetEnvironmentVariable("MESH_ENROLL_TOKEN");
            if (!Uri.TryCreate(parse.GetValue(hub), UriKind.Absolute, out var address))
                return Fail($"--hub '{parse.GetValue(hub)}' is not an absolute https:// address");
            var directory = parse.GetValue(data)!;
            if (NodeCertificateFiles.Exist(directory))
                return Fail($"{NodeCertificateFiles.CertificatePath(directory)} exists: this node is enrolled already (it renews by itself; to start over, move the identity folder away)");
            try
            {
                var (identity, key) = await NodeEnrollment.EnrollAsync(address, text ?? "", directory, ct).ConfigureAwait(false);
                using (key)
                {
                    Console.WriteLine($"Enrolled node {identity.NodeId} of site {identity.Site}: certificate {identity.Certificate.SerialNumber}, valid until {identity.Certificate.NotAfter.ToUniversalTime():O}");
                    Console.WriteLine($"Wrote {NodeCertificateFiles.CertificatePath(directory)} and {NodeCertificateFiles.CaPath(directory)} beside {key.Path}");
                    Console.WriteLine($"Start the node with --Node:NodeId={identity.NodeId} --Node:Site={identity.Site} --Node:DataDirectory={directory} --Node:Sync:HubUrl={address}");
                }
                return ExitCodes.Ok;
            }
            catch (EnrollmentException ex)
            {
                return Fail(ex.Message);
            }
        });
        return command;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"mesh enroll: {message}");
        return ExitCodes.Failure;
    }
}
