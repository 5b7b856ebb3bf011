namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>An attached loop device as sysfs describes it.</summary>
/// <param name="Name">The kernel's name, e.g. <c>loop3</c>.</param>
/// <param name="BackingFile">The file behind it, as the kernel resolved it when it was attached.</param>
/// <param name="BackingDeleted">That file has since been deleted (the device still holds it open).</param>
/// <param name="Major">The device number, to match against the mount table.</param>
/// <param name="Minor">The device number's minor part.</param>
internal sealed record LoopDeviceEntry(string Name, string BackingFile, bool BackingDeleted, uint Major, uint Minor)
{
    public string Path => "/dev/" + Name;
}
