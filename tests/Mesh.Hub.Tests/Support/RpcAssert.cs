using Grpc.Core;

namespace Mesh.Hub.Tests.Support;

internal static class RpcAssert
{
    /// <summary>Asserts the call fails with <paramref name="status"/>, and the hub's trailers name the problem
    /// and the first bad sequence; returns the exception for further checks.</summary>
    public static async Task<RpcException> RefusedAsync(Func<Task> call, StatusCode status, string problem, long firstBadSeq)
    {
        var ex = await Should.ThrowAsync<RpcException>(call);
        ex.StatusCode.ShouldBe(status, ex.Status.Detail);
        ex.Trailers.GetValue("mesh-problem").ShouldBe(problem, ex.Status.Detail);
        ex.Trailers.GetValue("mesh-first-bad-seq").ShouldBe(firstBadSeq.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Status.Detail);
        return ex;
    }
}
