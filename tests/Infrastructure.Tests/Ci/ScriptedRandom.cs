namespace Blacksmith.Infrastructure.Tests.Ci;

/// <summary>A random source that hands out the given byte blocks in order, to make the next delimiter known.</summary>
internal sealed class ScriptedRandom(params byte[][] blocks) : Random
{
    private int _next;

    public override void NextBytes(Span<byte> buffer)
    {
        blocks[_next++].AsSpan(0, buffer.Length).CopyTo(buffer);
    }
}
