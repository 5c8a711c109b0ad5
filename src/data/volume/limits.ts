/**
 * Size limits of the volume reader, checked from the header before any voxel buffer is allocated,
 * so a corrupt or hostile header cannot ask for gigabytes.
 */

/**
 * Most voxels one 3-D volume may hold: 2^28 (268,435,456; 1 GiB as float32), e.g. 640^3. A 1 mm
 * whole-head T1 is ~17 M voxels; a 0.5 mm one ~130 M.
 */
export const MAX_VOLUME_VOXELS = 2 ** 28;

/**
 * Most bytes of voxel data (all volumes of a 4-D file together) a file may declare: 4 GiB. The
 * reader keeps only the volume it returns, but checks that the file holds all the header declares.
 */
export const MAX_VOLUME_FILE_DATA_BYTES = 4 * 2 ** 30;
