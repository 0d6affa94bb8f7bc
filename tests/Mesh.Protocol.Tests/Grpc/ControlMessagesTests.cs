using Google.Protobuf;
using Mesh.Protocol.Grpc;

namespace Mesh.Protocol.Tests.Grpc;

public class ControlMessagesTests
{
    [Fact]
    public void ControlMessage_RevocationList_RoundTripsWithItsCount()
    {
        var message = new ControlMessage { Revocations = RevocationList.Of(["0A1B", "FF00"]) };

        var parsed = ControlMessage.Parser.ParseFrom(message.ToByteArray());

        parsed.ShouldBe(message);
        parsed.BodyCase.ShouldBe(ControlMessage.BodyOneofCase.Revocations);
        parsed.Revocations.Count.ShouldBe(2UL);
        parsed.Revocations.Serials.ShouldBe(["0A1B", "FF00"]);
    }
}
